// The Experiments view's Launcher: the confirmation flow for long work (a 'confirm' refusal asks the
// user, and a yes repeats the start with confirm: true), the backend choice going with every start
// and resume, and each failure shown where it was asked for.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobStatus, StartExperiment } from '../../common/api.js';
import { initApi } from '../src/api/index.js';
import { ApiCallError } from '../src/api/types.js';
import { jobs } from '../src/lib/jobs.svelte.js';
import { Launcher } from '../src/views/experiments/launcher.svelte.js';

const job = (id: string): JobStatus => ({
  id,
  experimentId: `exp-${id}`,
  name: `job ${id}`,
  state: 'running',
  done: 0,
  total: 10,
  runsPerSecond: 0,
  etaSeconds: null,
  error: null,
  startedAt: new Date(0).toISOString(),
  backend: null,
});

const LONG = new ApiCallError('startExperiment', { kind: 'confirm', message: 'this would take about 3 h' });

describe('Launcher', () => {
  let starts: StartExperiment[];
  let resumes: unknown[][];
  let startAnswers: (() => Promise<JobStatus>)[];
  let confirm: ReturnType<typeof vi.fn<(q: string) => boolean>>;

  beforeEach(async () => {
    starts = [];
    resumes = [];
    startAnswers = [];
    jobs.list = [];
    confirm = vi.fn<(q: string) => boolean>(() => true);
    const quench = {
      onEvent: () => () => {},
      startExperiment: (req: StartExperiment) => {
        starts.push(req);
        return startAnswers.shift()!();
      },
      resumeExperiment: async (...args: unknown[]) => {
        resumes.push(args);
        if (args[0] === 'missing') throw new ApiCallError('resumeExperiment', { kind: 'not-found', message: 'no experiment "missing"' });
        return job('resumed');
      },
      listExperiments: async () => [],
    };
    vi.stubGlobal('window', { quench, confirm });
    vi.stubGlobal('document', { getElementById: () => null });
    await initApi();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('starts on the chosen backend without asking when the work is short', async () => {
    const l = new Launcher();
    l.backend = 'wasm';
    startAnswers.push(async () => job('a'));
    await l.start({ name: 'x' }, 'preset-a');
    expect(starts).toEqual([{ spec: { name: 'x' }, ifArchived: 'resume', backend: 'wasm' }]);
    expect(confirm).not.toHaveBeenCalled();
    expect(jobs.list.map((j) => j.id)).toEqual(['a']);
    expect(l.experiments).toEqual([]);
    expect(l.starting).toBeNull();
    expect(l.actionError).toBeNull();
  });

  it('asks before long work and, on yes, starts it again with confirm: true', async () => {
    const l = new Launcher();
    startAnswers.push(() => Promise.reject(LONG), async () => job('b'));
    await l.start({ name: 'y' }, 'designer', 'new');
    expect(confirm).toHaveBeenCalledWith('this would take about 3 h\n\nStart it anyway?');
    expect(starts).toEqual([
      { spec: { name: 'y' }, ifArchived: 'new', backend: 'auto' },
      { spec: { name: 'y' }, ifArchived: 'new', backend: 'auto', confirm: true },
    ]);
    expect(jobs.list.map((j) => j.id)).toEqual(['b']);
    expect(l.actionError).toBeNull();
  });

  it('on no, starts nothing and shows the refusal where it was asked for', async () => {
    confirm.mockReturnValue(false);
    const l = new Launcher();
    startAnswers.push(() => Promise.reject(LONG));
    await l.start({}, 'designer');
    expect(starts).toHaveLength(1);
    expect(jobs.list).toEqual([]);
    expect(l.actionError).toEqual({ where: 'designer', error: LONG });
    expect(l.starting).toBeNull();
    startAnswers.push(() => Promise.reject(LONG));
    await l.start({}, 'heterogeneity-gain');
    expect(l.actionError?.where).toBe('presets');
  });

  it('does not ask about other refusals', async () => {
    const bad = new ApiCallError('startExperiment', { kind: 'spec', message: 'experiment is invalid' });
    const l = new Launcher();
    startAnswers.push(() => Promise.reject(bad));
    await l.start({}, 'preset-c');
    expect(confirm).not.toHaveBeenCalled();
    expect(l.actionError).toEqual({ where: 'presets', error: bad });
  });

  it('resumes on the chosen backend; a failure is shown beside the jobs', async () => {
    const l = new Launcher();
    l.backend = 'cpu';
    await l.resume('exp-1');
    expect(resumes).toEqual([['exp-1', undefined, 'cpu']]);
    expect(jobs.list.map((j) => j.id)).toEqual(['resumed']);
    await l.resume('missing');
    expect(l.actionError).toMatchObject({ where: 'jobs', error: { kind: 'not-found' } });
    expect(l.starting).toBeNull();
  });
});

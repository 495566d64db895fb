// The task-suite designer's state: input channels and, per task family, whether it is on and its
// parameter grid as editable lists. suiteSpec() turns it into a SuiteSpec, or says what is wrong.
import type { SpecIssue } from '../api/types.js';
import { formatNumberList, parseChannels, parseNumberList, type Parsed } from './lists.js';

export const INPUT_FAMILIES = ['white', 'coloured', 'sines', 'mackey-glass', 'lorenz', 'hold', 'pulses'] as const;
export const TASK_FAMILIES = ['delay', 'legendre', 'product', 'window', 'narma', 'forecast', 'xor', 'static'] as const;
export type TaskFamily = (typeof TASK_FAMILIES)[number];

export const TASK_HELP: Record<TaskFamily, string> = {
  delay: 's_k(t − d): linear memory',
  legendre: '√(2n+1)·P_n(s_k(t − d)): nonlinear memory of degree n',
  product: 's_k(t − d1)·s_l(t − d2) over channel pairs k < l',
  window: 'mean of s_k over the last w steps, or s_k(t) − s_k(t − w)',
  narma: 'NARMA-n driven by one channel',
  forecast: 's_k(t + h): only for predictable channels (coloured, sines, chaotic)',
  xor: 'sign(s_k(t − d1)·s_l(t − d2)), scored as classification',
  static: 'sin(πs), |s|, s³ with no delay',
};

interface FamilyState {
  enabled: boolean;
  channels: string;
  channel: number | null;
  delays: string;
  degrees: string;
  windows: string;
  orders: string;
  horizons: string;
  kinds: { mean: boolean; difference: boolean };
  functions: { sin: boolean; abs: boolean; cube: boolean };
}

const fam = (over: Partial<FamilyState>): FamilyState => ({
  enabled: true,
  channels: 'all',
  channel: 0,
  delays: '',
  degrees: '',
  windows: '',
  orders: '',
  horizons: '',
  kinds: { mean: true, difference: true },
  functions: { sin: true, abs: true, cube: true },
  ...over,
});

export function defaultFamilies(): Record<TaskFamily, FamilyState> {
  return {
    delay: fam({ delays: '0..40' }),
    legendre: fam({ degrees: '2..5', delays: '0, 2, 5, 10, 20' }),
    product: fam({ delays: '0..10 by 2' }),
    window: fam({ windows: '2..40 by 2' }),
    narma: fam({ orders: '5, 10, 20, 30' }),
    forecast: fam({ horizons: '1..20' }),
    xor: fam({ delays: '0, 2, 4' }),
    static: fam({}),
  };
}

export const suite = $state({
  name: 'my suite',
  channels: [
    { family: 'white' as string, timescaleSteps: null as number | null },
    { family: 'white' as string, timescaleSteps: null as number | null },
    { family: 'white' as string, timescaleSteps: null as number | null },
  ],
  families: defaultFamilies(),
});

export const FIELDS: Record<TaskFamily, ('channels' | 'channel' | 'delays' | 'degrees' | 'windows' | 'orders' | 'horizons' | 'kinds' | 'functions')[]> = {
  delay: ['channels', 'delays'],
  legendre: ['channels', 'degrees', 'delays'],
  product: ['delays'],
  window: ['channels', 'windows', 'kinds'],
  narma: ['channel', 'orders'],
  forecast: ['channels', 'horizons'],
  xor: ['delays'],
  static: ['channels', 'functions'],
};

const LIMITS: Record<string, { min: number; max: number }> = {
  delays: { min: 0, max: 100000 },
  degrees: { min: 1, max: 20 },
  windows: { min: 1, max: 100000 },
  orders: { min: 1, max: 1000 },
  horizons: { min: 1, max: 100000 },
};

export function channelsSpec(): { family: string; timescaleSteps?: number }[] {
  return suite.channels.map((c) => (c.timescaleSteps ? { family: c.family, timescaleSteps: c.timescaleSteps } : { family: c.family }));
}

/** The SuiteSpec, or the problems (paths name the family and field, e.g. "delay.delays"). */
export function suiteSpec(): { spec: Record<string, unknown> | null; issues: SpecIssue[] } {
  const D = suite.channels.length;
  const issues: SpecIssue[] = [];
  const families: Record<string, unknown>[] = [];
  for (const name of TASK_FAMILIES) {
    const f = suite.families[name];
    if (!f.enabled) continue;
    const out: Record<string, unknown> = { family: name };
    for (const field of FIELDS[name]) {
      const path = `${name}.${field}`;
      if (field === 'channels') {
        const r = parseChannels(f.channels, D);
        if (r.ok) out.channels = r.value;
        else issues.push({ path, value: JSON.stringify(f.channels), allowed: r.error });
      } else if (field === 'channel') {
        if (f.channel === null || !Number.isInteger(f.channel) || f.channel < 0 || f.channel >= D) issues.push({ path, value: String(f.channel), allowed: `a channel 0..${D - 1}` });
        else out.channel = f.channel;
      } else if (field === 'kinds') {
        const ks = (['mean', 'difference'] as const).filter((k) => f.kinds[k]);
        if (ks.length === 0) issues.push({ path, value: 'none', allowed: 'choose mean, difference or both' });
        out.kinds = ks;
      } else if (field === 'functions') {
        const fs = (['sin', 'abs', 'cube'] as const).filter((k) => f.functions[k]);
        if (fs.length === 0) issues.push({ path, value: 'none', allowed: 'choose at least one function' });
        out.functions = fs;
      } else {
        const r: Parsed<number[]> = parseNumberList(f[field], { integer: true, ...LIMITS[field] });
        if (r.ok) out[field] = r.value;
        else issues.push({ path, value: JSON.stringify(f[field]), allowed: r.error });
      }
    }
    families.push(out);
  }
  if (families.length === 0) issues.push({ path: 'families', value: 'none', allowed: 'switch on at least one task family' });
  if (!suite.name.trim()) issues.push({ path: 'name', value: '""', allowed: 'give the suite a name' });
  return { spec: issues.length ? null : { name: suite.name.trim(), version: 1, families }, issues };
}

/** Fills the designer from a SuiteSpec (a saved suite), and with a saved suite's input channels when given. */
export function loadSuite(spec: { name: string; families: Record<string, any>[] }, channels?: { family: string; timescaleSteps?: number }[]): void {
  suite.name = spec.name;
  if (channels?.length) suite.channels = channels.map((c) => ({ family: c.family, timescaleSteps: c.timescaleSteps ?? null }));
  const fresh = defaultFamilies();
  for (const name of TASK_FAMILIES) fresh[name].enabled = false;
  for (const f of spec.families) {
    const st = fresh[f.family as TaskFamily];
    if (!st) continue;
    st.enabled = true;
    if (f.channels !== undefined) st.channels = f.channels === 'all' ? 'all' : (f.channels as number[]).join(', ');
    if (f.channel !== undefined) st.channel = f.channel;
    for (const k of ['delays', 'degrees', 'windows', 'orders', 'horizons'] as const) if (Array.isArray(f[k])) st[k] = formatNumberList(f[k]);
    if (Array.isArray(f.kinds)) st.kinds = { mean: f.kinds.includes('mean'), difference: f.kinds.includes('difference') };
    if (Array.isArray(f.functions)) st.functions = { sin: f.functions.includes('sin'), abs: f.functions.includes('abs'), cube: f.functions.includes('cube') };
  }
  suite.families = fresh;
}

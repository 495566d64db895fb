// The comparison being looked at: what was asked (shared with the Reports view) and what came back.
import type { Comparison, CompareRequest, TaskDiff } from '../api/types.js';

export const comparison = $state({
  experiment: '',
  mode: 'default' as 'default' | 'typed',
  conditions: 'homogeneous=true\nfamily=lognormal,cv=1',
  where: '',
  tag: '',
  curve: '',
  request: null as CompareRequest | null,
  /** what the comparison is of, in words (the default report title) */
  title: '',
  result: null as Comparison | null,
  diffs: null as TaskDiff[] | null,
});

export function conditionsOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

import { readFileSync } from 'node:fs';

/** The machine's CPU time so far, in ticks: all of it, and what the hypervisor took (steal); null off Linux. */
function cpuTicks(): { total: number; steal: number } | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is counted within user already)
    const first8 = fields.slice(0, 8);
    return { total: first8.reduce((sum, n) => sum + n, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

/**
 * Starts measuring the share of CPU time the hypervisor took from this virtual machine (steal).
 * On a shared VM it swings from 0 to a third of the cores within minutes, and a benchmark's rates
 * swing with it: printed beside the figures, it says which of them a neighbour disturbed.
 */
export function stealMeter(): () => string {
  const start = cpuTicks();
  return () => {
    const end = cpuTicks();
    if (start === null || end === null || end.total === start.total) return 'n/a';
    return `${((100 * (end.steal - start.steal)) / (end.total - start.total)).toFixed(0)} %`;
  };
}

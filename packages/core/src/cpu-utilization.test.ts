import { describe, expect, it } from 'vitest';
import { CpuUtilization } from './cpu-utilization.js';

describe('CpuUtilization', () => {
  it('is CPU time over wall time since the previous reading, with the totals in seconds', () => {
    const cpu = new CpuUtilization({ user: 0, system: 0 }, 0n);
    // 1 s of wall time, 0.3 s user + 0.2 s system: half a core.
    expect(cpu.read({ user: 300_000, system: 200_000 }, 1_000_000_000n)).toEqual({
      utilization: 0.5,
      userSeconds: 0.3,
      systemSeconds: 0.2,
    });
    // The next second, 1.5 s of CPU: one and a half cores.
    expect(cpu.read({ user: 1_300_000, system: 700_000 }, 2_000_000_000n).utilization).toBe(1.5);
  });

  it('keeps the previous figure for readings under 100 ms apart', () => {
    const cpu = new CpuUtilization({ user: 0, system: 0 }, 0n);
    cpu.read({ user: 500_000, system: 0 }, 1_000_000_000n);
    const soon = cpu.read({ user: 550_000, system: 0 }, 1_050_000_000n);
    expect(soon).toEqual({ utilization: 0.5, userSeconds: 0.55, systemSeconds: 0 });
    // Measured from the last reading that counted, not the skipped one.
    expect(cpu.read({ user: 600_000, system: 0 }, 1_200_000_000n).utilization).toBeCloseTo(0.5, 10);
  });
});

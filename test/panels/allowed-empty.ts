/**
 * Metrics that exist only on some hardware. A query empty because of one of these is "allowed": it shows data on a
 * machine that has the part and "No data" on one that has not, which is the truth. Nothing else may be empty.
 */
export const HARDWARE_DEPENDENT: ReadonlyArray<{ readonly metric: RegExp; readonly reason: string }> = [
  {
    metric: /^node_hwmon_/,
    reason: 'hwmon sensors: what a board exposes varies, and containers and most VMs (this machine) have no /sys/class/hwmon',
  },
  {
    metric: /^node_pressure_/,
    reason: 'PSI: only kernels built with CONFIG_PSI and not booted with psi=0 have /proc/pressure',
  },
  {
    metric: /^nvidia_gpu_fan_speed_ratio$/,
    reason: 'fans: passively cooled GPUs (the H100 SXM of the recorded trace) report the fan speed as [N/A]',
  },
  {
    metric: /^nvidia_gpu_memory_temperature_celsius$/,
    reason: 'HBM temperature: data-center GPUs report it; consumer GPUs report [N/A]',
  },
];

/** Why an empty result over `metrics` is allowed, or undefined when it is not. */
export function allowedBecause(metrics: readonly string[]): string | undefined {
  return HARDWARE_DEPENDENT.find(({ metric }) => metrics.some((name) => metric.test(name)))?.reason;
}

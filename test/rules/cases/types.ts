/** An alert a case expects to be firing at its evaluation time, with every label and both annotations. */
export interface ExpectedAlert {
  /** All labels of the alert except `alertname`, which promtool adds. */
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly description: string;
}

/** One `promtool test rules` case: input series, the time to look, and exactly the alerts firing then. */
export interface AlertCase {
  readonly alert: string;
  /** What the case shows, e.g. 'pages above 85 °C after 2m'. */
  readonly name: string;
  /** Series selector → values in promtool's expanding notation ('0+10x30', '1 1 _ 2'), one value per minute. */
  readonly series: Readonly<Record<string, string>>;
  /** Time after the first sample when the alerts are compared, e.g. '10m'. */
  readonly at: string;
  /** Exactly the alerts of `alert` firing at `at`; empty where the case shows the alert stays quiet. */
  readonly fires: readonly ExpectedAlert[];
}

/** One `promtool` PromQL case for a recording rule: the recorded series at `at`, exactly. */
export interface RecordingCase {
  readonly record: string;
  readonly name: string;
  readonly series: Readonly<Record<string, string>>;
  readonly at: string;
  /** Exactly the samples of `record` at `at`: labels (without the name) and value. */
  readonly samples: ReadonlyArray<{ readonly labels: Readonly<Record<string, string>>; readonly value: number }>;
}

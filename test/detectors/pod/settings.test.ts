import { describe, expect, test } from 'vitest';
import { parseDiskSettings } from '../../../detectors/disk/disk-settings.js';
import { parsePodSettings } from '../../../detectors/pod/pod-settings.js';

describe('pod and disk settings from detector.json', () => {
  test('defaults when the section is empty', () => {
    expect(parsePodSettings({})).toEqual({
      kubeconfig: undefined, rateWindow: '5m', trainStepSec: 1800, oomWindowSec: 3600, reconnectInitialMs: 1000, reconnectMaxMs: 30_000,
    });
    expect(parseDiskSettings({}, 15)).toMatchObject({ forecastWindowSec: 21_600, forecastStepSec: 15, freedShareOfSize: 0.005, rateWindow: '5m', minTrainRows: 120, untrainedRetrySec: 600 });
    expect(() => parseDiskSettings({ minTrainRows: 2 }, 15)).toThrow(/detector.json disk.minTrainRows must be an integer >= 16, got 2/);
  });

  test('fails on an unknown key, naming it and the known ones', () => {
    expect(() => parsePodSettings({ rateWindows: '5m' })).toThrow(/pod: unknown key\(s\) rateWindows; known keys are kubeconfig, rateWindow/);
  });

  test('fails on a wrong value, naming the field and showing the value', () => {
    expect(() => parsePodSettings({ rateWindow: '5 minutes' })).toThrow(/pod\.rateWindow must be a string matching .* got "5 minutes"/);
    expect(() => parsePodSettings({ trainStepSec: -1 })).toThrow(/pod\.trainStepSec must be a positive number, got -1/);
    expect(() => parseDiskSettings({ freedShareOfSize: 5 }, 15)).toThrow(/disk\.freedShareOfSize must be a number in \(0, 1\), got 5/);
  });
});

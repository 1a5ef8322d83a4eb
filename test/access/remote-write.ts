/**
 * A Prometheus remote-write request (protocol 1.0: a snappy-compressed protobuf `WriteRequest`), for one sample of
 * one series. The four messages are encoded by hand from prometheus/prompb/types.proto; snappyjs compresses.
 */
import { compress } from 'snappyjs';

function varint(n: number): number[] {
  const bytes: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/** A length-delimited field (wire type 2). */
function field(number: number, payload: readonly number[]): number[] {
  return [...varint((number << 3) | 2), ...varint(payload.length), ...payload];
}

const text = (s: string) => [...Buffer.from(s, 'utf8')];

/** `WriteRequest{timeseries: [{labels, samples: [{value, timestamp}]}]}`, snappy-compressed. */
export function remoteWriteBody(labels: Record<string, string>, value: number, timestampMs: number): Buffer {
  const double = Buffer.alloc(8);
  double.writeDoubleLE(value);
  const sample = [...varint((1 << 3) | 1), ...double, ...varint((2 << 3) | 0), ...varint(timestampMs)];
  const series = [
    ...Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).flatMap(([name, v]) => field(1, [...field(1, text(name)), ...field(2, text(v))])),
    ...field(2, sample),
  ];
  return Buffer.from(compress(Buffer.from(field(1, series))));
}

/** The headers remote-write senders use. */
export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0',
};

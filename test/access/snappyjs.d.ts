/** The part of snappyjs (no bundled types) the tests use. */
declare module 'snappyjs' {
  export function compress(input: Uint8Array): Uint8Array;
}

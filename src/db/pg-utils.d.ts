/** pg's own conversion of a parameter to what it sends, which its typings leave out; db/pipeline.ts uses it. */
declare module 'pg/lib/utils.js' {
  const utils: {
    /** A parameter as pg sends it: null, a string (arrays as array literals, objects as JSON), or a Buffer. */
    prepareValue(value: unknown): unknown;
  };
  export default utils;
}

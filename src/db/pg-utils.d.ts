/** pg's own quoting (its parameters' text form), which its typings leave out; db/pool.ts `inlined` uses it. */
declare module 'pg/lib/utils.js' {
  const utils: {
    /** A parameter as pg sends it: null, a string (arrays as array literals, objects as JSON), or a Buffer. */
    prepareValue(value: unknown): unknown;
    escapeLiteral(text: string): string;
  };
  export default utils;
}

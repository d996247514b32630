/** Number formatting shared by the report's tables and sentences. */
export const int = (n: number) => n.toLocaleString("en-US");

/** Milliseconds without a unit, for table columns headed "ms". */
export function ms(n: number): string {
  if (n >= 1000) return int(Math.round(n));
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** A duration with its unit, for sentences: `0.48 ms`, `2.97 s`. */
export function duration(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${ms(n)} ms`;
}

/** ours ÷ prior art, e.g. `0.50×`: below 1 means ours is smaller. */
export function ratio(ours: number, prior: number): string {
  if (prior === 0) return ours === 0 ? "1.00×" : "∞";
  const r = ours / prior;
  if (r === 0) return "0×";
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r >= 0.01 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

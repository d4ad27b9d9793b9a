/** Number formats shared by reasons and on-call sentences. */

/** A ratio (0–1) as a percentage with two significant digits: 0.048 → "4.8%", 0.001 → "0.1%". */
export function percent(ratio: number): string {
  const p = ratio * 100;
  if (p === 0) return "0%";
  if (p >= 10) return `${Math.round(p)}%`;
  return `${Number(p.toPrecision(2))}%`;
}

/** "p < 1e-6" below a millionth, else two significant digits: "p = 3.2e-4", "p = 0.14". */
export function pText(p: number): string {
  if (p < 1e-6) return "p < 1e-6";
  if (p < 1e-3) return `p = ${p.toExponential(1)}`;
  return `p = ${Number(p.toPrecision(2))}`;
}

/** 12000 → "12,000" (fixed, not locale-dependent). */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A multiple: 2 → "2x", 2.04 → "2.0x", 150.3 → "150x". */
export function times(x: number): string {
  if (!Number.isFinite(x)) return "∞x";
  if (x >= 100) return `${Math.round(x)}x`;
  return Number.isInteger(x) ? `${x}x` : `${x.toFixed(1)}x`;
}

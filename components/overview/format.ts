/** Numbers on the overview, in the viewer's locale. */
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

export const formatTokens = (n: number): string => integer.format(n);

/** Dollars to the cent, or to four places below a cent so a cheap day does not read $0.00. */
export function formatCost(usd: number): string {
  const digits = usd > 0 && usd < 0.01 ? 4 : 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(usd);
}

export const formatShare = (part: number, whole: number): string => percent.format(whole > 0 ? part / whole : 0);

/** Scopes as a row of chips: how every page shows what a key, device, pairing or principal may do. */
export function ScopeChips({ scopes, label }: { scopes: readonly string[]; label?: string }) {
  return (
    <ul className="chips" aria-label={label}>
      {scopes.map((scope) => (
        <li key={scope} className="chip">
          {scope}
        </li>
      ))}
    </ul>
  );
}

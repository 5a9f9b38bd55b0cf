import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="sign-in">
      <div className="sign-in-card stack">
        <h1>Page not found</h1>
        <p className="muted">There is no dashboard page at this address.</p>
        <p>
          <Link href="/">Go to the overview</Link>
        </p>
      </div>
    </main>
  );
}

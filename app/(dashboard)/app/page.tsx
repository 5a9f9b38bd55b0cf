import { redirect } from 'next/navigation';

/**
 * `/app` is routed to the dashboard but has no page of its own; the overview lives at `/`. Next
 * streams this page, so the redirect happens in the browser (an HTTP 307 would need a
 * `redirects()` entry in next.config).
 */
export default function AppIndex() {
  redirect('/');
}

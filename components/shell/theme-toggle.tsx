'use client';
import { useEffect, useState } from 'react';

/** localStorage key of the chosen theme ('light' | 'dark'); absent: follow the system. Read before paint in app/layout.tsx. */
export const THEME_STORAGE_KEY = 'switchboard-theme';

function isDarkNow(): boolean {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === 'dark' || chosen === 'light') return chosen === 'dark';
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/**
 * Switches between the light and the dark theme and remembers the choice in this browser. Until a
 * choice is made the dashboard follows the system's setting.
 */
export function ThemeToggle() {
  // null until mounted: the server cannot know the theme, so the pressed state is set in the browser.
  const [dark, setDark] = useState<boolean | null>(null);

  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const sync = () => setDark(isDarkNow());
    sync();
    media.addEventListener('change', sync);
    return () => media.removeEventListener('change', sync);
  }, []);

  function toggle() {
    const next = isDarkNow() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Storage can be blocked; the choice then lasts for this page only.
    }
    setDark(next === 'dark');
  }

  return (
    <button type="button" className="button button-small theme-toggle" aria-pressed={dark ?? undefined} onClick={toggle} title="Dark mode">
      <svg aria-hidden="true" width="16" height="16" viewBox="0 0 16 16" focusable="false">
        <path d="M13.5 10.2A6 6 0 0 1 5.8 2.5a6 6 0 1 0 7.7 7.7Z" fill="currentColor" />
      </svg>
      <span className="wide-hidden">Dark mode</span>
    </button>
  );
}

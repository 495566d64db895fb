// Light or dark: the user's choice (light, dark, or the system's, the default), remembered in this
// browser's localStorage, and the theme it resolves to now. The resolved theme is written to the
// document as data-theme="light|dark" (app.css keys its colours on it) and read by the charts
// (lib/charts.ts), which are drawn on a canvas and cannot follow CSS; with 'system', a change of the
// system's preference (prefers-color-scheme) changes both at once.

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const KEY = 'quench.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export const theme = $state({
  choice: 'system' as ThemeChoice,
  /** whether the system prefers dark now */
  systemDark: false,
  /** what is shown: the choice, with 'system' resolved */
  dark: false,
});

function apply(): void {
  theme.dark = theme.choice === 'dark' || (theme.choice === 'system' && theme.systemDark);
  if (typeof document !== 'undefined') {
    document.documentElement.dataset.theme = theme.dark ? 'dark' : 'light';
  }
}

/** The stored choice; anything else (nothing, an old value, storage switched off) is 'system'. */
export function storedChoice(storage: Pick<Storage, 'getItem'> | null): ThemeChoice {
  try {
    const v = storage?.getItem(KEY);
    return (THEME_CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

/** Chooses the theme and remembers the choice. */
export function setTheme(choice: ThemeChoice): void {
  theme.choice = choice;
  try {
    localStorage.setItem(KEY, choice);
  } catch {
    // storage switched off: the choice holds for this page
  }
  apply();
}

/**
 * Reads the stored choice and the system's preference, applies them, and follows the preference as
 * it changes. Called once before the app is mounted, so that the first paint has the right colours.
 */
export function startTheme(): void {
  theme.choice = storedChoice(typeof localStorage === 'undefined' ? null : localStorage);
  const query = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : null;
  theme.systemDark = query?.matches ?? false;
  query?.addEventListener('change', (e) => {
    theme.systemDark = e.matches;
    apply();
  });
  apply();
}

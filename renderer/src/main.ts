import { mount } from 'svelte';
import App from './App.svelte';
import { initApi } from './api/index.js';
import { startTheme } from './lib/theme.svelte.js';
import './app.css';

// light or dark before the first paint
startTheme();
const target = document.getElementById('app')!;
initApi()
  .then(() => mount(App, { target }))
  .catch((e: unknown) => {
    target.textContent = `Quench could not start: ${e instanceof Error ? e.message : String(e)}`;
  });

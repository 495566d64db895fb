import { mount } from 'svelte';
import App from './App.svelte';
import { initApi } from './api/index.js';
import './app.css';

const target = document.getElementById('app')!;
initApi()
  .then(() => mount(App, { target }))
  .catch((e: unknown) => {
    target.textContent = `Quench could not start: ${e instanceof Error ? e.message : String(e)}`;
  });

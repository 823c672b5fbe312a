import { mount } from 'svelte';
import '@xyflow/svelte/dist/style.css';
import './app.css';
import App from './App.svelte';

// A call still waiting when the engine stops is rejected with EngineUnavailableError. The person has
// already been told (a toast says the engine stopped and is being restored), so such a rejection that
// nothing else handled is not a second error.
window.addEventListener('unhandledrejection', (e) => {
  if ((e.reason as { name?: unknown } | null)?.name === 'EngineUnavailableError') e.preventDefault();
});

mount(App, { target: document.getElementById('app')! });

// Svelte compiler options for the renderer: runes everywhere ($state, $derived, $props, $effect).
export default { compilerOptions: { runes: true } };

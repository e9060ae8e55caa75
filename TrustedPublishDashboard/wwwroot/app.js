// Large pastes. Blazor sends a bound textarea's whole value in one message over the live connection; the server
// accepts messages up to a deliberate size (Web:MaxPasteBytes plus room for JSON escaping). A text above the
// textarea's data-max-bytes is cleared before Blazor reads it, and the note after it says why, so the connection
// never drops and the page never acts on a stale value.
(function () {
  const encoder = new TextEncoder();
  function guard(event) {
    const box = event.target;
    if (!(box instanceof HTMLTextAreaElement) || !box.dataset.maxBytes) return;
    const max = Number(box.dataset.maxBytes);
    const note = box.id ? document.querySelector('[data-paste-limit-for="' + box.id + '"]') : null;
    const bytes = box.value.length > max / 4 ? encoder.encode(box.value).length : box.value.length;
    if (bytes <= max) {
      // New text within the limit replaces the earlier warning; the empty box left by a refusal keeps it.
      if (note && box.value.length > 0) { note.textContent = ''; note.hidden = true; }
      return;
    }
    const mb = n => (n / (1024 * 1024)).toFixed(1) + ' MB';
    box.value = '';
    if (note) {
      note.textContent = 'The pasted text is ' + mb(bytes) + '; at most ' + mb(max) + ' can be sent at once. It was cleared and nothing was sent: paste it in parts.';
      note.hidden = false;
    }
  }
  // Capture phase on the document runs before Blazor's own (bubbling) listeners read the value.
  document.addEventListener('input', guard, true);
  document.addEventListener('change', guard, true);
})();

// The theme the user picked, remembered for a year so the next first paint uses it (read by the server's App shell).
window.tpdTheme = {
  remember: function (dark) {
    document.cookie = 'tpd-theme=' + (dark ? 'dark' : 'light') + '; path=/; max-age=31536000; samesite=lax';
  }
};

// Passkeys (WebAuthn) on /profile/two-factor, /login and /login/second-step: the only pages that
// need JavaScript. The buttons are hidden until this runs; without it the pages say so (<noscript>).
// The ceremonies themselves are @simplewebauthn/browser's (/static/webauthn.js).
(() => {
  const lib = window.SimpleWebAuthnBrowser;
  if (!lib?.browserSupportsWebAuthn()) return;

  async function postJson(path, body, csrf) {
    const headers = { "content-type": "application/json", accept: "application/json" };
    if (csrf) headers["x-csrf-token"] = csrf;
    const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.detail || `The server answered ${response.status}`);
    return data;
  }

  function say(where, text) {
    if (where) where.textContent = text;
  }

  const register = document.getElementById("passkey-register");
  if (register) {
    const button = document.getElementById("passkey-add");
    const status = document.getElementById("passkey-status");
    const csrf = register.dataset.csrf;
    button.hidden = false;
    register.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        say(status, "Follow your browser's prompt…");
        const { options, ceremony } = await postJson("/profile/two-factor/passkeys/options", {}, csrf);
        const response = await lib.startRegistration({ optionsJSON: options });
        const name = document.getElementById("passkey-name").value;
        const done = await postJson("/profile/two-factor/passkeys", { ceremony, name, response }, csrf);
        window.location.assign(done.location);
        window.location.reload();
      } catch (error) {
        say(status, `No passkey was added: ${error.message}`);
      }
    });
  }

  const signIn = document.getElementById("passkey-button");
  if (signIn) {
    const status = document.getElementById("passkey-sign-in-status");
    const secondStep = signIn.dataset.mode === "second-step";
    signIn.hidden = false;
    signIn.addEventListener("click", async () => {
      try {
        say(status, "Follow your browser's prompt…");
        const { options, ceremony } = await postJson("/login/passkey/options", { second_step: secondStep });
        const response = await lib.startAuthentication({ optionsJSON: options });
        const done = await postJson("/login/passkey", { ceremony, response, second_step: secondStep });
        window.location.assign(done.location);
      } catch (error) {
        say(status, `Not signed in: ${error.message}`);
      }
    });
  }
})();

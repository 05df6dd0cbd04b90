// Starts allauth's WebAuthn forms (mfa/js/webauthn.js) from a static file: the Content-Security-
// Policy runs no inline script, and allauth's own pages start them from inline <script> blocks.
// Each button names its form's fields in data-* attributes.
(function () {
  'use strict'
  document.addEventListener('DOMContentLoaded', function () {
    const forms = window.allauth && window.allauth.webauthn && window.allauth.webauthn.forms
    if (!forms) return
    const add = document.getElementById('mfa_webauthn_add')
    if (add) {
      forms.addForm({
        ids: {
          add: add.id,
          passwordless: add.dataset.passwordless,
          credential: add.dataset.credential,
          data: add.dataset.options
        }
      })
    }
    const login = document.getElementById('passkey_login')
    if (login) {
      // "Keep me signed in" counts for a passkey sign-in too: its box is in the password form.
      const keepFrom = document.getElementById(login.dataset.keepFrom)
      const keepTo = document.getElementById(login.dataset.keepTo)
      if (keepFrom && keepTo) {
        const copy = function () { keepTo.value = keepFrom.checked ? 'on' : '' }
        keepFrom.addEventListener('change', copy)
        copy()
      }
      forms.loginForm({ ids: { login: login.id, credential: login.dataset.credential } })
    }
  })
})()

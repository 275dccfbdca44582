// The account's "Change password" dialog (form mode): PUT api/me/password with the current and the new password.
// The server signs out the user's other browsers; this one stays signed in (its chat connection is closed and
// reconnects by itself).
import { t } from './i18n.js';
import { $ } from './dom.js';

/** Wires the dialog to its button, which is shown once the page knows the user signs in with a password here. */
export function setUpPasswordDialog() {
    const dialog = $('password-dialog');
    const form = $('password-form');
    const result = $('password-result');
    const show = (text, failed) => {
        result.textContent = text;
        result.className = failed ? 'error' : 'ok';
    };
    $('change-password').addEventListener('click', () => {
        form.reset();
        show('', false);
        dialog.showModal();
    });
    $('password-close').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async event => {
        event.preventDefault();
        const next = $('new-password').value;
        if (next !== $('repeat-password').value) {
            show(t.passwordsDiffer, true);
            return;
        }
        try {
            const response = await fetch(new URL('api/me/password', document.baseURI), {
                method: 'PUT', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ current: $('current-password').value, new: next }),
            });
            if (response.status === 204) {
                form.reset();
                show(t.passwordChanged, false);
            } else if (response.status === 403) {
                show(t.currentPasswordWrong, true);
            } else if (response.status === 400) {
                show(t.passwordLength, true);
            } else if (response.status === 429) {
                show(t.signInWait(response.headers.get('Retry-After')), true);
            } else {
                show(t.notChanged, true);
            }
        } catch {
            show(t.notChanged, true);
        }
    });
}

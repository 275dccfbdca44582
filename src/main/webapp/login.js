// The sign-in page: the form posts to the server itself; this only translates it and says why the last attempt
// failed (a wrong password, or too many attempts for that name: wait=<seconds>).
import { t, translatePage } from './i18n.js';

translatePage();
const query = new URLSearchParams(location.search);
const failed = document.getElementById('failed');
if (query.has('wait')) {
    failed.textContent = t.signInWait(query.get('wait'));
}
failed.hidden = !query.has('failed') && !query.has('wait');

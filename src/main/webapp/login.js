// The sign-in page: the form posts to the server itself; this only translates it and shows a failed attempt.
import { translatePage } from './i18n.js';

translatePage();
document.getElementById('failed').hidden = !new URLSearchParams(location.search).has('failed');

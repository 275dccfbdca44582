// Assistant text as Markdown: rendered by marked, then sanitized by DOMPurify before it touches the DOM.
// Raw HTML in model output is shown as text, never interpreted: a model that writes <script> shows "<script>".
import { Marked, DOMPurify } from './vendor.js';
import { button } from './dom.js';

const escapeHtml = text => text.replace(/[&<>"']/g, c => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
})[c]);

const marked = new Marked({
    gfm: true,
    breaks: false,
    renderer: {
        html: token => escapeHtml(token.text ?? token.raw),
    },
});

DOMPurify.addHook('afterSanitizeAttributes', node => {
    if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
    }
});

/** Replaces the content of {@code element} with {@code text} rendered as sanitized Markdown. */
export function renderMarkdown(element, text, copyLabel, copiedLabel) {
    const html = DOMPurify.sanitize(marked.parse(text), { FORBID_TAGS: ['style', 'form', 'input', 'img'] });
    element.innerHTML = html;
    element.querySelectorAll('pre').forEach(pre => {
        const copy = button('copy-code', copyLabel, () => copyText(
            pre.querySelector('code')?.textContent ?? pre.textContent, copy, copyLabel, copiedLabel));
        pre.prepend(copy);
    });
}

/** Copies {@code text} and says so on {@code button} for a moment. */
export async function copyText(text, button, label, done) {
    try {
        await navigator.clipboard.writeText(text);
        button.textContent = done;
    } catch {
        button.textContent = '×';
    }
    setTimeout(() => { button.textContent = label; }, 1500);
}

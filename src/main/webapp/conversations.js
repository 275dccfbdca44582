// The sidebar: the browser's conversations from /api/conversations (newest first), search, rename, download as
// Markdown, delete.
import { t } from './i18n.js';
import { button } from './dom.js';

const api = path => new URL('api/conversations' + path, document.baseURI);

export class Sidebar {
    constructor({ list, search, empty, onOpen, onDeleted }) {
        this.list = list;
        this.search = search;
        this.empty = empty;
        this.onOpen = onOpen;
        this.onDeleted = onDeleted;
        this.active = null;
        let debounce;
        search.addEventListener('input', () => {
            clearTimeout(debounce);
            debounce = setTimeout(() => this.refresh(), 250);
        });
    }

    async refresh() {
        const query = this.search.value.trim();
        try {
            const response = await fetch(api('?limit=100' + (query ? '&q=' + encodeURIComponent(query) : '')));
            if (!response.ok) {
                return;
            }
            const page = await response.json();
            this.list.replaceChildren(...page.conversations.map(c => this.item(c)));
            this.empty.hidden = page.conversations.length > 0;
            this.empty.textContent = query ? t.noMatches : t.noConversations;
        } catch {
            // offline: keep what is shown
        }
    }

    setActive(id) {
        this.active = id;
        for (const item of this.list.children) {
            const current = item.dataset.id === id;
            item.classList.toggle('active', current);
            item.querySelector('.open').toggleAttribute('aria-current', current);
        }
    }

    item(conversation) {
        const item = document.createElement('li');
        item.dataset.id = conversation.id;
        item.classList.toggle('active', conversation.id === this.active);
        const open = button('open', conversation.title, () => this.onOpen(conversation.id));
        open.title = conversation.title;
        if (conversation.id === this.active) {
            open.setAttribute('aria-current', 'true');
        }
        const rename = button('rename', '✎', () => this.rename(item, conversation));
        rename.setAttribute('aria-label', t.rename(conversation.title));
        const remove = button('delete', '✕', () => this.remove(conversation));
        remove.setAttribute('aria-label', t.delete(conversation.title));
        const download = document.createElement('a'); // the server answers it as an attachment, Markdown
        download.className = 'export';
        download.href = 'api/conversations/' + encodeURIComponent(conversation.id) + '/export?format=md';
        download.download = '';
        download.textContent = '⤓';
        download.setAttribute('aria-label', t.download(conversation.title));
        download.title = t.download(conversation.title);
        item.append(open, rename, download, remove);
        return item;
    }

    rename(item, conversation) {
        const field = document.createElement('input');
        field.className = 'rename-field';
        field.value = conversation.title;
        field.maxLength = 200;
        field.setAttribute('aria-label', t.newTitle);
        const open = item.querySelector('.open');
        open.replaceWith(field);
        field.focus();
        field.select();
        let done = false;
        const finish = async save => {
            if (done) {
                return;
            }
            done = true;
            const title = field.value.trim();
            if (save && title && title !== conversation.title) {
                await fetch(api('/' + encodeURIComponent(conversation.id)), {
                    method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title }),
                });
            }
            await this.refresh();
        };
        field.addEventListener('keydown', event => {
            if (event.key === 'Enter') {
                event.preventDefault();
                finish(true);
            } else if (event.key === 'Escape') {
                finish(false);
            }
        });
        field.addEventListener('blur', () => finish(true));
    }

    async remove(conversation) {
        if (!confirm(t.confirmDelete(conversation.title))) {
            return;
        }
        const response = await fetch(api('/' + encodeURIComponent(conversation.id)), { method: 'DELETE' });
        if (response.ok && conversation.id === this.active) {
            this.onDeleted();
        }
        await this.refresh();
    }
}

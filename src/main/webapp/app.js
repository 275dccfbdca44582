// The chat page: conversations in a sidebar, the streamed answer rendered as sanitized Markdown, Stop,
// regenerate, edit-and-resend, and the connection's state.
import { t, translatePage } from './i18n.js';
import { ReconnectingSocket } from './connection.js';
import { Sidebar } from './conversations.js';
import { renderMarkdown, copyText } from './markdown.js';
import { $, button } from './dom.js';
import { setUpPasswordDialog } from './password.js';
import { showBudgets } from './budgets.js';

const transcript = $('transcript');
const scroller = document.querySelector('main');
const input = $('input');
const system = $('system');
const modelSelect = $('model');
const sendButton = $('send');
const stopButton = $('stop');
const typing = $('typing');

let conversationId = null; // the conversation shown, null for a new one
let current = null;        // the answer being streamed: { id, conversationId, seq, resuming, turn }
let pendingQuestion = null; // the user turn sent, until its start frame gives it an id
let editing = null;        // the user turn being edited: { id, item }
let waiting = false;       // a message was sent and its answer has not ended
let stickToBottom = true;  // auto-scroll until the user scrolls up
let renderScheduled = false;
const resumedFromStore = new Set(); // generations this page resumed from a stored streaming answer, once each
const STORED_WATCH_MS = 2000;
let storedWatch = null;            // the timer of watchStored

translatePage();

const sidebar = new Sidebar({
    list: $('conversations'), search: $('search'), empty: $('no-conversations'),
    onOpen: id => { location.hash = id; },
    onDeleted: () => { location.hash = ''; },
});

const socket = new ReconnectingSocket(socketUrl(), {
    onFrame: handleFrame,
    onStatus: showConnection,
    onOpen: () => {
        $('connection-refused').hidden = true;
        resumeCurrent();
    },
    onDrop: failedOpens => {
        checkSignedIn();
        if (failedOpens >= 3) {
            checkConnectionRefused();
        }
        // the answer goes on on the server: resumed after the last token received once reconnected
        if (current) {
            current.resuming = true;
            current.turn.status.textContent = t.resuming;
        } else {
            setWaiting(false);
        }
    },
});
socket.connect();
setUpPasswordDialog();
checkSignedIn();
showBudgets($('budgets'));
loadModels();
sidebar.refresh();
openConversation(location.hash.slice(1) || null);

/** Shows who is signed in; a session that has ended sends the browser to the sign-in page. */
async function checkSignedIn() {
    try {
        const response = await fetch(new URL('api/me', document.baseURI));
        if (response.status === 401) {
            location.href = new URL('login.html', document.baseURI).href;
            return;
        }
        const me = await response.json();
        if (me.username) {
            $('who').textContent = me.username;
            $('account').hidden = false;
            $('change-password').hidden = me.mode !== 'form'; // an OpenID provider keeps its users' passwords
        }
    } catch {
        // offline: the connection status says so already
    }
}

/**
 * The live connection has failed to open three times in a row: when the server answers HTTP all the same, it (or a
 * proxy in front of it) refuses the WebSocket, which a page cannot otherwise tell from a server that is down.
 */
async function checkConnectionRefused() {
    try {
        const response = await fetch(new URL('api/info', document.baseURI));
        if (response.ok && !socket.open) {
            $('connection-refused').hidden = false;
        }
    } catch {
        // the server is not reachable: the connection status says so already
    }
}

function socketUrl() {
    const url = new URL('ws/chat', document.baseURI);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
}

async function loadModels() {
    try {
        const response = await fetch(new URL('api/models', document.baseURI));
        const catalogue = await response.json();
        $('demo-notice').hidden = !catalogue.demo;
        for (const model of catalogue.models) {
            const option = new Option(model.display_name, model.id, model.default, model.default);
            if (model.provider_status === 'open') {
                option.textContent += ' ' + t.unavailable;
            }
            modelSelect.append(option);
        }
        $('model-picker').hidden = catalogue.models.length < 2;
    } catch {
        // the page still works without it: no picker, no notice
    }
}

/** Shows conversation {@code id} from the database, or an empty new one. */
async function openConversation(id) {
    conversationId = id;
    if (current) {
        current.turn = detachedTurn(); // it goes on streaming into its own conversation, saved by the server
    }
    cancelEdit();
    transcript.replaceChildren();
    $('history-note').hidden = true;
    sidebar.setActive(id);
    if (!id) {
        system.value = '';
        input.focus();
        return;
    }
    const response = await fetch(new URL('api/conversations/' + encodeURIComponent(id), document.baseURI));
    if (conversationId !== id) {
        return; // another was opened meanwhile
    }
    if (!response.ok) {
        addNotice(t.notFound);
        conversationId = null;
        return;
    }
    const stored = await response.json();
    system.value = stored.system ?? '';
    const beingWritten = []; // answers still streaming that this page cannot watch live
    for (const message of stored.messages) {
        if (message.role === 'user') {
            addUserTurn(message.content, message.id);
        } else if (message.status === 'streaming' && message.generation_id && !current
                && !resumedFromStore.has(message.generation_id)) {
            // still being written (this page was reloaded, or another tab asked): watch it live from its start
            resumedFromStore.add(message.generation_id);
            const turn = addAssistantTurn(message.id);
            current = { id: message.generation_id, conversationId: id, seq: 0, resuming: true, turn };
            setWaiting(true);
            if (socket.open) {
                resumeCurrent();
            }
        } else {
            const turn = addAssistantTurn(message.id);
            showStored(turn, message);
            if (message.status === 'streaming') {
                beingWritten.push({ messageId: message.id, turn });
            }
        }
    }
    updateActions();
    stickToBottom = true;
    follow();
    if (beingWritten.length > 0) {
        watchStored(id, beingWritten);
    }
}

/**
 * Answers still being written where this page cannot watch them live (on another server of a cluster, which this
 * server's resume does not find, or by a server that stopped and is not yet known to be gone): read again from the
 * database every few seconds, until each has ended or the conversation is no longer shown.
 */
function watchStored(conversation, watched) {
    clearTimeout(storedWatch);
    storedWatch = setTimeout(async () => {
        if (conversationId !== conversation) {
            return;
        }
        let still = watched;
        try {
            const response = await fetch(new URL('api/conversations/' + encodeURIComponent(conversation),
                document.baseURI));
            if (!response.ok || conversationId !== conversation) {
                return;
            }
            const messages = new Map((await response.json()).messages.map(message => [message.id, message]));
            still = [];
            for (const { messageId, turn } of watched) {
                const message = messages.get(messageId);
                if (!message || !turn.item.isConnected) {
                    continue;
                }
                showStored(turn, message);
                if (message.status === 'streaming') {
                    still.push({ messageId, turn });
                }
            }
            follow();
        } catch {
            // offline: try again at the next round
        }
        if (still.length > 0) {
            watchStored(conversation, still);
        } else {
            updateActions();
            sidebar.refresh();
        }
    }, STORED_WATCH_MS);
}

function handleFrame(frame) {
    switch (frame.type) {
        case 'start':
            onStart(frame);
            break;
        case 'token':
            if (current && frame.seq > current.seq) {
                typing.hidden = true;
                current.turn.text += frame.content;
                current.seq = frame.seq;
                scheduleRender();
            }
            break;
        case 'resumed':
            if (current && current.id === frame.id) {
                current.resuming = false;
                current.turn.status.textContent = t.answering;
            }
            break;
        case 'notice':
            if (current && current.id === frame.id) {
                current.turn.status.textContent = frame.code === 'fallback' ? t.fallback(frame.model) : t.retrying;
                current.turn.status.title = frame.message;
            }
            break;
        case 'end':
            if (current && current.id === frame.id) {
                finishTurn(endLabel(frame), false);
            }
            break;
        case 'error':
            if (current && frame.id === current.id) {
                finishTurn(frame.message + ' (' + frame.code + ')', true);
            } else if (current && current.resuming && frame.code === 'generation_not_found') {
                current = null; // no longer kept: the database has the answer as far as it got
                setWaiting(false);
                if (conversationId) {
                    openConversation(conversationId);
                }
            } else {
                addNotice(frame.message + ' (' + frame.code + ')');
                if (!frame.id && frame.code !== 'busy') {
                    setWaiting(false);
                    if (conversationId && frame.code !== 'conversation_not_found') {
                        openConversation(conversationId); // show what the database has
                    }
                }
            }
            break;
        default:
            break; // pong and frame types this page does not know are ignored
    }
}

/** After a reconnect, asks for the rest of the answer that was streaming when the connection dropped. */
function resumeCurrent() {
    if (current && current.resuming) {
        socket.send({ type: 'resume', id: current.id, after_seq: current.seq });
    }
}

function onStart(frame) {
    if (conversationId === null || conversationId === frame.conversation_id) {
        if (conversationId === null) {
            conversationId = frame.conversation_id;
            history.replaceState(null, '', '#' + conversationId);
            sidebar.setActive(conversationId);
        }
        if (pendingQuestion && frame.question_id) {
            pendingQuestion.dataset.id = frame.question_id;
        }
        const turn = addAssistantTurn(frame.message_id);
        current = { id: frame.id, conversationId: frame.conversation_id, seq: 0, resuming: false, turn };
        if (frame.history_dropped) {
            $('history-note').textContent = t.historyDropped(frame.history_dropped);
            $('history-note').hidden = false;
        }
    } else {
        current = { id: frame.id, conversationId: frame.conversation_id, seq: 0, resuming: false,
            turn: detachedTurn() };
    }
    pendingQuestion = null;
    updateActions();
    sidebar.refresh();
}

/** An answer as the database has it: its text, and its status as its label (still being written: busy). */
function showStored(turn, message) {
    turn.text = message.content;
    render(turn);
    const streaming = message.status === 'streaming';
    settleTurn(turn, storedLabel(message), !streaming && message.status !== 'complete'
        && message.status !== 'cancelled', message.status);
    if (streaming) {
        turn.item.dataset.state = 'streaming';
        turn.item.setAttribute('aria-busy', 'true');
    }
}

function storedLabel(message) {
    switch (message.status) {
        case 'complete':
            return endLabel(message);
        case 'cancelled':
            return t.stopped;
        case 'interrupted':
            return t.interrupted;
        case 'streaming':
            return t.stillStreaming;
        default:
            return message.error ? message.error.message + ' (' + message.error.code + ')' : t.failed;
    }
}

function endLabel(frame) {
    const reason = frame.finish_reason === 'cancelled' ? t.stopped
        : frame.finish_reason === 'length' ? t.cutOff
        : frame.finish_reason === 'stop' ? t.done : t.finished(frame.finish_reason);
    const usage = frame.usage ? ' · ' + t.usage(frame.usage.input_tokens, frame.usage.output_tokens,
        frame.usage.estimated) : '';
    const cost = frame.cost ? ' · ' + t.cost(frame.cost.total, frame.cost.currency) : '';
    const model = frame.model ? ' · ' + frame.model : '';
    return reason + usage + cost + model;
}

function send() {
    const content = input.value;
    if (!content.trim() || waiting) {
        return;
    }
    const frame = { type: 'message', content, system: system.value };
    if (conversationId) {
        frame.conversation_id = conversationId;
    }
    if (editing) {
        frame.edit_of = editing.id;
    }
    addModel(frame);
    if (!socket.send(frame)) {
        addNotice(t.notConnected);
        return;
    }
    if (editing) {
        removeFrom(editing.item);
        cancelEdit();
    }
    pendingQuestion = addUserTurn(content, null);
    input.value = '';
    stickToBottom = true;
    setWaiting(true);
    follow();
}

function regenerate() {
    const frame = { type: 'regenerate', conversation_id: conversationId };
    addModel(frame);
    if (waiting || !socket.send(frame)) {
        return;
    }
    const answers = transcript.querySelectorAll('li.turn.assistant');
    removeFrom(answers[answers.length - 1]);
    stickToBottom = true;
    setWaiting(true);
}

function addModel(frame) {
    if (!$('model-picker').hidden && modelSelect.value) {
        frame.model = modelSelect.value;
    }
}

function startEdit(item) {
    editing = { id: item.dataset.id, item };
    input.value = item.querySelector('.content').textContent;
    $('editing').hidden = false;
    input.focus();
}

function cancelEdit() {
    editing = null;
    $('editing').hidden = true;
}

/** Removes {@code item} and every turn after it from the transcript. */
function removeFrom(item) {
    while (item) {
        const next = item.nextElementSibling;
        item.remove();
        item = next;
    }
}

function addTurn(role) {
    const item = document.createElement('li');
    item.className = 'turn ' + role;
    transcript.append(item);
    return item;
}

function addUserTurn(content, id) {
    const item = addTurn('user');
    if (id) {
        item.dataset.id = id;
    }
    const text = document.createElement('div');
    text.className = 'content';
    text.textContent = content;
    const actions = document.createElement('div');
    actions.className = 'actions';
    actions.append(button('edit', t.edit, () => startEdit(item)));
    item.append(text, actions);
    return item;
}

function addAssistantTurn(messageId) {
    const item = addTurn('assistant');
    if (messageId) {
        item.dataset.messageId = messageId;
    }
    item.setAttribute('aria-live', 'polite');
    item.setAttribute('aria-busy', 'true');
    const body = document.createElement('div');
    body.className = 'content markdown';
    const status = document.createElement('span');
    status.className = 'status';
    status.textContent = t.answering;
    const actions = document.createElement('div');
    actions.className = 'actions';
    const turn = { item, body, status, text: '' };
    const copy = button('copy', t.copy, () => copyText(turn.text, copy, t.copy, t.copied));
    actions.append(copy, button('regenerate', t.regenerate, regenerate));
    item.append(body, status, actions);
    return turn;
}

/** A turn for an answer that belongs to a conversation no longer shown: streamed into nothing. */
function detachedTurn() {
    const holder = document.createElement('li');
    return { item: holder, body: document.createElement('div'), status: document.createElement('span'), text: '' };
}

function scheduleRender() {
    if (!renderScheduled) {
        renderScheduled = true;
        requestAnimationFrame(() => {
            renderScheduled = false;
            if (current) {
                render(current.turn);
                follow();
            }
        });
    }
}

function render(turn) {
    renderMarkdown(turn.body, turn.text, t.copy, t.copied);
}

function finishTurn(label, failed) {
    render(current.turn);
    settleTurn(current.turn, label, failed, failed ? 'error' : 'complete');
    $('live').textContent = label;
    current = null;
    setWaiting(false);
    sidebar.refresh();
    showBudgets($('budgets'));
    follow();
}

function settleTurn(turn, label, failed, status) {
    turn.status.textContent = label;
    turn.status.classList.toggle('error', failed);
    turn.item.setAttribute('aria-busy', 'false');
    turn.item.dataset.state = failed ? 'error' : 'done';
    turn.item.dataset.status = status;
    const regenerateButton = turn.item.querySelector('.regenerate');
    if (regenerateButton) {
        regenerateButton.textContent = failed ? t.retry : t.regenerate;
    }
}

/** Only the last answer can be regenerated, and nothing while an answer streams. */
function updateActions() {
    const answers = [...transcript.querySelectorAll('li.turn.assistant')];
    answers.forEach((item, i) => {
        item.querySelector('.regenerate').hidden = waiting || i !== answers.length - 1;
    });
    transcript.querySelectorAll('li.turn.user .edit').forEach(button => {
        button.hidden = waiting || !button.closest('li').dataset.id;
    });
}

function addNotice(message) {
    const item = addTurn('notice-error');
    item.textContent = message;
    item.setAttribute('role', 'alert');
    follow();
}

function setWaiting(value) {
    waiting = value;
    typing.hidden = !value;
    stopButton.hidden = !value;
    sendButton.hidden = value;
    if (!value && document.activeElement === stopButton) {
        input.focus();
    }
    updateActions();
}

function showConnection(state, secondsLeft) {
    const text = $('connection-text');
    text.dataset.state = state;
    text.textContent = state === 'open' ? t.connected
        : state === 'waiting' ? t.reconnectIn(secondsLeft) : t.connecting;
    $('connection-dot').className = 'dot ' + (state === 'open' ? 'open' : state === 'waiting' ? 'closed' : '');
    $('reconnect-now').hidden = state !== 'waiting';
}

function follow() {
    if (stickToBottom) {
        scroller.scrollTop = scroller.scrollHeight;
    }
}

scroller.addEventListener('scroll', () => {
    stickToBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
});
window.addEventListener('hashchange', () => {
    const id = location.hash.slice(1) || null;
    if (id !== conversationId) {
        openConversation(id);
    }
});
$('new-chat').addEventListener('click', () => {
    if (location.hash) {
        location.hash = '';
    } else {
        openConversation(null);
    }
});
$('cancel-edit').addEventListener('click', () => {
    cancelEdit();
    input.value = '';
});
$('composer').addEventListener('submit', event => {
    event.preventDefault();
    send();
});
input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
    } else if (event.key === 'Escape' && editing) {
        cancelEdit();
    }
});
stopButton.addEventListener('click', () => socket.send(current ? { type: 'cancel', id: current.id } : { type: 'cancel' }));
$('reconnect-now').addEventListener('click', () => socket.reconnectNow());

// The chat page: sends messages, shows the streamed answer as plain text (never HTML), Stop, status.
import { t, translatePage } from './i18n.js';
import { ReconnectingSocket } from './connection.js';

const $ = id => document.getElementById(id);
const transcript = $('transcript');
const scroller = document.querySelector('main');
const input = $('input');
const system = $('system');
const modelSelect = $('model');
const sendButton = $('send');
const stopButton = $('stop');
const typing = $('typing');

let current = null;       // the assistant turn being streamed: { id, text, status, item }
let waiting = false;      // a message was sent and its answer has not ended
let stickToBottom = true; // auto-scroll until the user scrolls up

translatePage();

const socket = new ReconnectingSocket(socketUrl(), {
    onFrame: handleFrame,
    onStatus: showConnection,
    onDrop: () => {
        if (current) {
            finishTurn(t.connectionLost, true);
        }
        setWaiting(false);
    },
});
socket.connect();
loadInfo();

function socketUrl() {
    const url = new URL('ws/chat', document.baseURI);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
}

async function loadInfo() {
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

function handleFrame(frame) {
    switch (frame.type) {
        case 'start':
            current = addAssistantTurn(frame.id);
            break;
        case 'token':
            if (current) {
                typing.hidden = true;
                current.text.appendData(frame.content);
                follow();
            }
            break;
        case 'notice':
            if (current && current.id === frame.id) {
                current.status.textContent = frame.code === 'fallback' ? t.fallback(frame.model) : t.retrying;
                current.status.title = frame.message;
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
            } else {
                addNotice(frame.message + ' (' + frame.code + ')');
                if (!frame.id && frame.code !== 'busy') {
                    setWaiting(false);
                }
            }
            break;
        default:
            break; // pong and frame types this page does not know are ignored
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
    if (!$('model-picker').hidden && modelSelect.value) {
        frame.model = modelSelect.value;
    }
    if (!socket.send(frame)) {
        addNotice(t.notConnected);
        return;
    }
    addTurn('user', content);
    input.value = '';
    stickToBottom = true;
    setWaiting(true);
    follow();
}

function addTurn(role, content) {
    const item = document.createElement('li');
    item.className = 'turn ' + role;
    item.textContent = content;
    transcript.append(item);
    return item;
}

function addAssistantTurn(id) {
    const item = addTurn('assistant', '');
    item.dataset.id = id;
    item.setAttribute('aria-live', 'polite');
    item.setAttribute('aria-busy', 'true');
    const text = document.createTextNode('');
    const status = document.createElement('span');
    status.className = 'status';
    status.textContent = t.answering;
    item.append(text, status);
    return { id, text, status, item };
}

function finishTurn(label, failed) {
    current.status.textContent = label;
    current.status.classList.toggle('error', failed);
    current.item.setAttribute('aria-busy', 'false');
    current.item.dataset.state = failed ? 'error' : 'done';
    $('live').textContent = label;
    current = null;
    setWaiting(false);
    follow();
}

function addNotice(message) {
    addTurn('notice-error', message).setAttribute('role', 'alert');
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
$('composer').addEventListener('submit', event => {
    event.preventDefault();
    send();
});
input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
    }
});
stopButton.addEventListener('click', () => socket.send({ type: 'cancel' }));
$('reconnect-now').addEventListener('click', () => socket.reconnectNow());

// One WebSocket to /ws/chat that reconnects by itself: exponential backoff with jitter, a visible countdown,
// and a "reconnect now" button. It never gives up; it keeps saying what it is doing. onDrop is told how many
// times in a row the socket closed without having opened (a refused handshake, or no server at all).
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30000;

export class ReconnectingSocket {
    constructor(url, { onFrame, onStatus, onOpen, onDrop }) {
        this.url = url;
        this.onFrame = onFrame;
        this.onStatus = onStatus;
        this.onOpen = onOpen;
        this.onDrop = onDrop;
        this.attempt = 0;
        this.failedOpens = 0;
        this.ws = null;
        this.timer = null;
    }

    connect() {
        clearInterval(this.timer);
        this.timer = null;
        this.onStatus('connecting');
        const ws = new WebSocket(this.url);
        this.ws = ws;
        let opened = false;
        ws.onopen = () => {
            opened = true;
            this.attempt = 0;
            this.failedOpens = 0;
            this.onStatus('open');
            this.onOpen();
        };
        ws.onmessage = event => {
            let frame;
            try {
                frame = JSON.parse(event.data);
            } catch {
                return; // the server only sends JSON; ignore anything else rather than break the page
            }
            this.onFrame(frame);
        };
        ws.onclose = () => {
            if (this.ws !== ws) {
                return;
            }
            this.ws = null;
            this.failedOpens = opened ? 0 : this.failedOpens + 1;
            this.onDrop(this.failedOpens);
            this.scheduleReconnect();
        };
    }

    /** Sends a frame; false when not connected (the caller keeps the user's text). */
    send(frame) {
        if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
            return false;
        }
        this.ws.send(JSON.stringify(frame));
        return true;
    }

    get open() {
        return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
    }

    scheduleReconnect() {
        const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
        const delay = ceiling / 2 + Math.random() * ceiling / 2;
        this.attempt++;
        const due = Date.now() + delay;
        const tick = () => {
            const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
            if (Date.now() >= due) {
                this.connect();
            } else {
                this.onStatus('waiting', left);
            }
        };
        tick();
        this.timer = setInterval(tick, 250);
    }

    reconnectNow() {
        if (this.ws === null) {
            this.connect();
        }
    }
}

// UI strings in English and Thai; the browser's language picks one. Model text is never translated.
const STRINGS = {
    en: {
        model: 'Model', send: 'Send', stop: 'Stop', message: 'Message', reconnectNow: 'Reconnect now',
        systemPrompt: 'System prompt (optional)', systemPlaceholder: 'For example: answer briefly, in Thai',
        inputPlaceholder: 'Ask anything (Enter sends, Shift+Enter for a new line)',
        demoNotice: "Demo model: answers come from Duplex's built-in demo, not from an AI provider. "
            + 'An operator sets duplex.upstream.base-url to use a real model.',
        connecting: 'Connecting…', connected: 'Connected', reconnectIn: s => `Disconnected: reconnecting in ${s} s`,
        notConnected: 'Not connected: your message was kept, send it again once connected.',
        connectionRefused: 'This server answers, but refuses the live connection the chat needs. If it is behind a '
            + 'proxy, the proxy may not pass WebSockets on, or may pass on a Host without the port: please tell the '
            + "server's administrator. Still trying…",
        stopped: 'Stopped', cutOff: 'Cut off: the model reached its length limit', done: 'Done',
        resuming: 'Connection lost: the answer continues once reconnected…',
        username: 'Username', password: 'Password', signIn: 'Sign in', signOut: 'Sign out',
        signInFailed: 'Wrong username or password.',
        signInWait: s => `Too many attempts for this name: try again in ${Number(s) || 60} s.`,
        usage: (i, o, est) => `${i} in · ${o} out tokens${est ? ' (estimated)' : ''}`,
        finished: reason => `Finished: ${reason}`, answering: 'Answering…',
        retrying: 'The provider failed, trying again…', fallback: model => `Answered by ${model} instead`,
        unavailable: '(unavailable now)', cost: (total, currency) => `${total} ${currency}`,
        conversations: 'Conversations', newChat: 'New chat', search: 'Search conversations',
        noConversations: 'No conversations yet.', noMatches: 'No conversation matches.',
        rename: title => `Rename “${title}”`, delete: title => `Delete “${title}”`, newTitle: 'New title',
        download: title => `Download “${title}” as Markdown`,
        confirmDelete: title => `Delete “${title}” and all its messages?`,
        notFound: 'This conversation does not exist, or belongs to another browser.',
        interrupted: 'Interrupted: the server stopped before this answer was finished.',
        stillStreaming: 'Still being written…', failed: 'Failed',
        historyDropped: n => `The ${n} oldest messages no longer fit the model's context and were not sent to it.`,
        edit: 'Edit', copy: 'Copy', copied: 'Copied', regenerate: 'Regenerate', retry: 'Retry',
        editing: 'Editing an earlier message: sending starts the conversation again from there.', cancel: 'Cancel',
        changePassword: 'Change password', currentPassword: 'Current password',
        newPassword: 'New password (12 characters or more)', repeatPassword: 'New password again',
        change: 'Change', close: 'Close', passwordChanged: 'Password changed. Your other browsers are signed out.',
        passwordsDiffer: 'The two new passwords differ.', currentPasswordWrong: 'The current password is not right.',
        passwordLength: 'A password has 12 to 1,024 characters.',
        notChanged: 'The password could not be changed; try again.',
        tokens: 'tokens',
        budgetLeft: (daily, left, limit, unit) => `${daily ? 'Today' : 'This month'}: ${left} of ${limit} ${unit} left`,
    },
    th: {
        model: 'โมเดล', send: 'ส่ง', stop: 'หยุด', message: 'ข้อความ', reconnectNow: 'เชื่อมต่อใหม่ทันที',
        systemPrompt: 'คำสั่งระบบ (ไม่บังคับ)', systemPlaceholder: 'เช่น ตอบสั้น ๆ เป็นภาษาไทย',
        inputPlaceholder: 'ถามอะไรก็ได้ (Enter เพื่อส่ง, Shift+Enter เพื่อขึ้นบรรทัดใหม่)',
        demoNotice: 'โมเดลสาธิต: คำตอบมาจากโมเดลสาธิตในตัวของ Duplex ไม่ใช่จากผู้ให้บริการ AI '
            + 'ผู้ดูแลระบบตั้งค่า duplex.upstream.base-url เพื่อใช้โมเดลจริง',
        connecting: 'กำลังเชื่อมต่อ…', connected: 'เชื่อมต่อแล้ว',
        reconnectIn: s => `การเชื่อมต่อหลุด: จะเชื่อมต่อใหม่ใน ${s} วินาที`,
        notConnected: 'ยังไม่ได้เชื่อมต่อ: ข้อความของคุณยังอยู่ ส่งอีกครั้งเมื่อเชื่อมต่อแล้ว',
        connectionRefused: 'เซิร์ฟเวอร์ตอบกลับ แต่ปฏิเสธการเชื่อมต่อสดที่แชตต้องใช้ หากอยู่หลังพร็อกซี พร็อกซีอาจไม่ส่งต่อ '
            + 'WebSocket หรือส่งต่อ Host โดยไม่มีพอร์ต: โปรดแจ้งผู้ดูแลเซิร์ฟเวอร์ กำลังลองต่อไป…',
        stopped: 'หยุดแล้ว', cutOff: 'ถูกตัด: โมเดลตอบถึงความยาวสูงสุด', done: 'เสร็จแล้ว',
        resuming: 'การเชื่อมต่อหลุด: คำตอบจะตอบต่อเมื่อเชื่อมต่อใหม่…',
        username: 'ชื่อผู้ใช้', password: 'รหัสผ่าน', signIn: 'เข้าสู่ระบบ', signOut: 'ออกจากระบบ',
        signInFailed: 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง',
        signInWait: s => `ลองเข้าสู่ระบบด้วยชื่อนี้บ่อยเกินไป: ลองใหม่ในอีก ${Number(s) || 60} วินาที`,
        usage: (i, o, est) => `เข้า ${i} · ออก ${o} โทเค็น${est ? ' (ประมาณ)' : ''}`,
        finished: reason => `จบ: ${reason}`, answering: 'กำลังตอบ…',
        retrying: 'ผู้ให้บริการขัดข้อง กำลังลองใหม่…', fallback: model => `ตอบโดย ${model} แทน`,
        unavailable: '(ใช้งานไม่ได้ขณะนี้)', cost: (total, currency) => `${total} ${currency}`,
        conversations: 'บทสนทนา', newChat: 'แชตใหม่', search: 'ค้นหาบทสนทนา',
        noConversations: 'ยังไม่มีบทสนทนา', noMatches: 'ไม่พบบทสนทนาที่ตรงกัน',
        rename: title => `เปลี่ยนชื่อ “${title}”`, delete: title => `ลบ “${title}”`, newTitle: 'ชื่อใหม่',
        download: title => `ดาวน์โหลด “${title}” เป็น Markdown`,
        confirmDelete: title => `ลบ “${title}” และข้อความทั้งหมดหรือไม่`,
        notFound: 'ไม่พบบทสนทนานี้ หรือเป็นของเบราว์เซอร์อื่น',
        interrupted: 'ถูกขัดจังหวะ: เซิร์ฟเวอร์หยุดก่อนตอบเสร็จ', stillStreaming: 'กำลังเขียนอยู่…', failed: 'ล้มเหลว',
        historyDropped: n => `ข้อความเก่าสุด ${n} ข้อความเกินขนาดบริบทของโมเดลจึงไม่ได้ส่งไป`,
        edit: 'แก้ไข', copy: 'คัดลอก', copied: 'คัดลอกแล้ว', regenerate: 'ตอบใหม่', retry: 'ลองอีกครั้ง',
        editing: 'กำลังแก้ไขข้อความก่อนหน้า: เมื่อส่ง บทสนทนาจะเริ่มใหม่จากตรงนั้น', cancel: 'ยกเลิก',
        changePassword: 'เปลี่ยนรหัสผ่าน', currentPassword: 'รหัสผ่านปัจจุบัน',
        newPassword: 'รหัสผ่านใหม่ (12 ตัวอักษรขึ้นไป)', repeatPassword: 'รหัสผ่านใหม่อีกครั้ง',
        change: 'เปลี่ยน', close: 'ปิด', passwordChanged: 'เปลี่ยนรหัสผ่านแล้ว เบราว์เซอร์อื่นของคุณถูกออกจากระบบ',
        passwordsDiffer: 'รหัสผ่านใหม่ทั้งสองไม่ตรงกัน', currentPasswordWrong: 'รหัสผ่านปัจจุบันไม่ถูกต้อง',
        passwordLength: 'รหัสผ่านต้องมี 12 ถึง 1,024 ตัวอักษร',
        notChanged: 'เปลี่ยนรหัสผ่านไม่ได้ ลองอีกครั้ง',
        tokens: 'โทเค็น',
        budgetLeft: (daily, left, limit, unit) => `${daily ? 'วันนี้' : 'เดือนนี้'}: เหลือ ${left} จาก ${limit} ${unit}`,
    },
};

export const lang = (navigator.language || 'en').toLowerCase().startsWith('th') ? 'th' : 'en';
export const t = STRINGS[lang];

/** Fills every element marked data-i18n / data-i18n-placeholder with the chosen language's text. */
export function translatePage(root = document) {
    document.documentElement.lang = lang;
    root.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = t[el.dataset.i18n]; });
    root.querySelectorAll('[data-i18n-placeholder]').forEach(el => {
        el.placeholder = t[el.dataset.i18nPlaceholder];
    });
}

package dev.duplex.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BrowserIdentityTest {

    @Test
    void identityCookieIsReadFromAHandshakeHeader() {
        String id = BrowserIdentity.newId();
        assertEquals(43, id.length());
        assertEquals(id, BrowserIdentity.fromHeader("theme=dark; duplex_id=" + id + "; other=1"));
        assertNull(BrowserIdentity.fromHeader("duplex_id=short"));
        assertNull(BrowserIdentity.fromHeader("duplex_id=" + id.substring(0, 40) + "<script>"));
        assertNull(BrowserIdentity.fromHeader(null));
    }
}

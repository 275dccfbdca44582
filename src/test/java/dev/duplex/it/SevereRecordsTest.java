package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the ITs' SEVERE check splits Payara Micro's log into records and which container records it lets pass. */
class SevereRecordsTest {

    private static final String DROPPED = """
            [2026-12-07T12:33:13.135+0000] [] [SEVERE] [AS-WEB-CORE-00037] [jakarta.enterprise.web.core] [tid: _ThreadID=68 _ThreadName=http-thread-pool::http-listener(1)] [timeMillis: 1796646793135] [levelValue: 1000] [[
              An exception or error occurred in the container during the request processing
            java.lang.IllegalStateException: Cannot call sendError() after the response has been committed
            \tat org.apache.catalina.connector.Response.sendError(Response.java:1406)
            \tat org.apache.catalina.connector.CoyoteAdapter.doService(CoyoteAdapter.java:360)
            ]]
            """;

    private static final String DUPLEX = """
            [2026-12-07T12:33:14.000+0000] [] [SEVERE] [AS-WEB-CORE-00037] [jakarta.enterprise.web.core] [tid: _ThreadID=68 _ThreadName=http-thread-pool::http-listener(1)] [timeMillis: 1796646794000] [levelValue: 1000] [[
              An exception or error occurred in the container during the request processing
            java.lang.IllegalStateException: broken
            \tat dev.duplex.account.BrowserIdentity.doFilter(BrowserIdentity.java:80)
            ]]
            """;

    private static final String REALM = """
            [2026-12-08T01:45:32.369+0000] [] [SEVERE] [] [javax.enterprise.system.container.web.com.sun.web.security] [tid: _ThreadID=150 _ThreadName=http-thread-pool::http-listener(15)] [timeMillis: 1796694332369] [levelValue: 1000] [[
              web_server.excep_authenticate_realmadapter
            java.lang.NullPointerException: Cannot invoke "String.length()" because "contextPath" is null
            \tat com.sun.web.security.RealmAdapter.getResourceName(RealmAdapter.java:1218)
            ]]
            """;

    private static final String INFO = """
            [2026-12-07T12:33:12.948+0000] [] [INFO] [] [dev.duplex.usage] [tid: _ThreadID=121 _ThreadName=duplex-upstream-3] [timeMillis: 1796646792948] [levelValue: 800] {"id":"x"}
            """;

    @Test
    void eachRecordRunsFromItsDatedLineToTheNext() {
        List<String> records = Deployments.records((INFO + "\n" + DROPPED + "\n" + DUPLEX).lines().toList());
        assertEquals(3, records.size(), records.toString());
        assertTrue(records.get(1).contains("Cannot call sendError()"), records.get(1));
        assertTrue(records.get(2).contains("dev.duplex.account.BrowserIdentity"), records.get(2));
    }

    @Test
    void onlyTheContainersOwnRecordForADroppedRequestPasses() {
        assertTrue(Deployments.isContainerDroppedRequest(DROPPED));
        assertFalse(Deployments.isContainerDroppedRequest(DUPLEX),
                "a frame of Duplex's in it: not the container's own");
        assertFalse(Deployments.isContainerDroppedRequest(DROPPED.replace("AS-WEB-CORE-00037", "AS-WEB-CORE-00001")));
        assertTrue(Deployments.isContainerDroppedRequest(REALM), "the realm's record of the same dropped request");
        assertFalse(Deployments.isContainerDroppedRequest(REALM.replace("contextPath", "username")));
        assertFalse(Deployments.isContainerDroppedRequest(REALM.replace("RealmAdapter.java:1218)",
                "RealmAdapter.java:1218)\n\tat dev.duplex.account.DuplexAuthentication.validateRequest(x)")));
    }
}

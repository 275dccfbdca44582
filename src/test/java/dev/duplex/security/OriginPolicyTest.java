package dev.duplex.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginPolicyTest {

    @ParameterizedTest(name = "{0} to {1} with [{2}]: {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            http://localhost:8080         | localhost:8080   |                                 | true
            https://chat.corp.example     | chat.corp.example |                                | true
            HTTPS://Chat.Corp.Example/    | chat.corp.example |                                | true
            https://chat.corp.example:444 | chat.corp.example |                                | false
            https://evil.example          | localhost:8080   |                                 | false
            http://localhost:8080.evil.io | localhost:8080   |                                 | false
            null                          | localhost:8080   |                                 | false
            NULL                          | localhost:8080   |                                 | true
            https://evil.example          | NULL             |                                 | false
            https://chat.corp.example     | 10.0.0.5:8080    | https://chat.corp.example       | true
            https://chat.corp.example/    | 10.0.0.5:8080    | https://CHAT.corp.example       | true
            http://10.0.0.5:8080          | 10.0.0.5:8080    | https://chat.corp.example       | false
            https://anything.example      | localhost        | *                               | true
            """)
    void allowsTheOwnOrConfiguredOriginsOnly(String origin, String host, String configured, boolean allowed) {
        List<String> list = configured == null ? List.of() : List.of(configured);
        assertEquals(allowed, OriginPolicy.allowed(origin, host, list));
    }
}

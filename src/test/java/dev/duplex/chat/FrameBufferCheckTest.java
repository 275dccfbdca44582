package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameBufferCheckTest {

    @ParameterizedTest(name = "{0} with {1}: unpooled {2}")
    @CsvSource(nullValues = "none", value = {
        "Payara Server  6.2025.10 #badassfish, org.glassfish.grizzly.memory.HeapMemoryManager, true",
        "Payara Server  6.2025.10 #badassfish, org.glassfish.grizzly.memory.PooledMemoryManager, false",
        "Payara Micro #badassfish 6.2025.10, none, true",
        "Payara Micro #badassfish 6.2025.10, org.glassfish.grizzly.memory.PooledMemoryManager, false",
        "Eclipse GlassFish 7.0.0, org.glassfish.grizzly.memory.ByteBufferManager, true",
        "WildFly Full 38.0.0.Final (WildFly Core 30.0.0.Final) - 2.3.0.Final, none, false",
        "none, none, false"})
    void warnsOnlyOnGrizzlyWithoutThePooledManager(String serverInfo, String memoryManager, boolean unpooled) {
        assertEquals(unpooled, FrameBufferCheck.unpooled(serverInfo, memoryManager));
    }
}

package dev.duplex.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The asadmin files in {@code server-config/payara}: a setting's value with a space must be quoted, or asadmin
 * (and Payara Micro's boot-command reader) takes the rest as a stray operand, drops it without a word, and sets the
 * value cut at the space.
 */
class AsadminFilesTest {

    @Test
    void everySettingIsThreeOptionsAndNothingElse() throws IOException {
        List<String> settings = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("server-config", "payara"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".asadmin")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    List<String> words = words(line.strip());
                    if (!words.isEmpty() && words.get(0).equals("set-config-property")) {
                        settings.add(line);
                        assertEquals(4, words.size(), file + ": " + line);
                        for (String option : words.subList(1, 4)) {
                            assertTrue(option.matches("--(source|propertyName|propertyValue)=.+"),
                                    file + ": " + option);
                        }
                    }
                }
            }
        }
        assertFalse(settings.isEmpty(), "no setting read: the files moved?");
    }

    @Test
    void aQuotedValueIsOneWord() {
        assertEquals(List.of("set-config-property", "--propertyValue=\"Claude Sonnet\""),
                words("set-config-property --propertyValue=\"Claude Sonnet\""));
        assertEquals(3, words("set-config-property --propertyValue=Claude Sonnet").size());
    }

    /** The line's words as asadmin splits them: at spaces outside double quotes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        if (line.startsWith("#")) {
            return words;
        }
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }
}

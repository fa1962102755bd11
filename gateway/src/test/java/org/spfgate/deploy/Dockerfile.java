package org.spfgate.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile read as its instructions (continuation lines joined, comments dropped), per stage. */
record Dockerfile(List<Instruction> instructions) {

    record Instruction(int stage, String keyword, String arguments) {
    }

    static Dockerfile read(Path file) throws IOException {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        int stage = -1;
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (pending.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            pending.append(trimmed);
            String whole = pending.toString().strip();
            pending.setLength(0);
            String[] parts = whole.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            instructions.add(new Instruction(stage, keyword, parts.length > 1 ? parts[1] : ""));
        }
        return new Dockerfile(instructions);
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    List<Instruction> inStage(int stage, String keyword) {
        return all(keyword).stream().filter(i -> i.stage() == stage).toList();
    }

    /**
     * The runtime stage's command as exec-form words: ENTRYPOINT followed by CMD, as Docker runs
     * them when the container is started without arguments.
     */
    List<String> command() {
        List<String> words = new java.util.ArrayList<>();
        for (String keyword : List.of("ENTRYPOINT", "CMD")) {
            for (Instruction i : inStage(lastStage(), keyword)) {
                String json = i.arguments();
                if (!json.startsWith("[")) {
                    throw new IllegalStateException(keyword + " is not in exec form: " + json);
                }
                for (String word : json.substring(1, json.length() - 1).split(",")) {
                    words.add(word.strip().replaceAll("^\"|\"$", ""));
                }
            }
        }
        return words;
    }

    int lastStage() {
        return instructions.get(instructions.size() - 1).stage();
    }
}

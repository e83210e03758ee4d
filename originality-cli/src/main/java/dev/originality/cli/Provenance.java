package dev.originality.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.originality.shapes.Version;

import java.util.List;

/** The provenance block every output carries: tool, version, command line. */
final class Provenance {
    static final ObjectMapper JSON = new ObjectMapper();

    private Provenance() {}

    static ObjectNode of(String subcommand, List<String> args) {
        ObjectNode n = JSON.createObjectNode();
        n.put("tool", "originality");
        n.put("version", Version.VERSION);
        n.put("command", "originality " + String.join(" ", args));
        return n;
    }
}

package dev.originality.shapes;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The tool's version, stamped into every output's provenance. */
public final class Version {
    public static final String VERSION = load();

    private Version() {}

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

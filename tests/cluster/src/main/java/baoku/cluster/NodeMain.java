package baoku.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * Starts one OpenSearch node in this JVM, with the modules baoku needs as classpath plugins.
 *
 * <p>Why not bin/opensearch: the distribution is not available from a package registry with
 * these modules, and its bootstrap refuses to run as root (tests and CI run as root here).
 * Starting {@link Node} directly skips that bootstrap: no root check, no security manager, no
 * production bootstrap checks. It is a test node, not a deployment.
 *
 * <p>Usage: {@code NodeMain HOME [-Ekey=value ...]}. HOME/config/opensearch.yml and
 * HOME/config/log4j2.properties are read; -E settings override the file, as with bin/opensearch.
 * SIGTERM closes the node cleanly (flushes shards), so a restart recovers fast.
 */
public final class NodeMain {

    /** Modules loaded by default; -Dbaoku.plugins=a.B,c.D replaces the list. */
    private static final List<String> DEFAULT_PLUGINS = List.of(
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.join.ParentJoinPlugin"
    );

    private NodeMain() {}

    /** Node's constructor that takes classpath plugins is protected; this opens it. */
    private static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            // stdout/stderr go to the node's log file: the reason a node died must be there.
            System.err.println("baoku test node failed to start:");
            t.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: NodeMain HOME [-Ekey=value ...]");
        }
        Path home = Paths.get(args[0]).toAbsolutePath().normalize();
        Path config = home.resolve("config");
        if (!Files.isRegularFile(config.resolve("opensearch.yml"))) {
            throw new IllegalArgumentException("missing " + config.resolve("opensearch.yml"));
        }
        Map<String, String> overrides = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (!arg.startsWith("-E") || eq < 0) {
                throw new IllegalArgumentException("expected -Ekey=value, got " + arg);
            }
            overrides.put(arg.substring(2, eq), arg.substring(eq + 1));
        }

        Settings input = Settings.builder().put("path.home", home.toString()).build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            input, overrides, config, () -> home.getFileName().toString());

        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
        LogConfigurator.configure(environment);

        Node node = new ClasspathNode(environment, plugins());
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                Configurator.shutdown((LoggerContext) LogManager.getContext(false));
                closed.countDown();
            }
        }, "baoku-node-shutdown"));

        node.start();
        // OpenSearch's threads are daemons: without this the JVM would exit right after start.
        closed.await();
    }

    @SuppressWarnings("unchecked")
    private static Collection<Class<? extends Plugin>> plugins() throws ClassNotFoundException {
        String wanted = System.getProperty("baoku.plugins");
        List<String> names = wanted == null || wanted.isBlank() ? DEFAULT_PLUGINS : List.of(wanted.split(","));
        List<Class<? extends Plugin>> classes = new ArrayList<>();
        for (String name : names) {
            classes.add((Class<? extends Plugin>) Class.forName(name.trim()).asSubclass(Plugin.class));
        }
        return classes;
    }
}

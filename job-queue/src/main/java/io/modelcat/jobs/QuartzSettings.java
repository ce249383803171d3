package io.modelcat.jobs;

import java.util.Properties;

/**
 * Quartz configured as a clustered JDBC JobStore on the project's PostgreSQL, with the tables that
 * Flyway created. {@code threads} 0 makes a member that only schedules (catalog-service) and never
 * executes. Idle wait and batch acquisition are tuned for low submit-to-start latency.
 */
public record QuartzSettings(String schedulerName, String instanceId, int threads, String jdbcUrl, String user,
                             String password, long idleWaitMillis) {

    /** Quartz's own name for the connection pool it keeps to PostgreSQL. */
    static final String DATA_SOURCE = "modelcat";

    public Properties toProperties() {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", schedulerName);
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(idleWaitMillis));
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(Math.max(1, threads)));
        if (threads == 0) {
            p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.ZeroSizeThreadPool");
        } else {
            p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
            p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
            p.setProperty("org.quartz.threadPool.threadNamePrefix", schedulerName + "-worker");
        }
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        String ds = "org.quartz.dataSource." + DATA_SOURCE + ".";
        p.setProperty(ds + "provider", "hikaricp");
        p.setProperty(ds + "driver", "org.postgresql.Driver");
        p.setProperty(ds + "URL", jdbcUrl);
        p.setProperty(ds + "user", user == null ? "" : user);
        p.setProperty(ds + "password", password == null ? "" : password);
        p.setProperty(ds + "maxConnections", Integer.toString(threads + 3));
        return p;
    }
}

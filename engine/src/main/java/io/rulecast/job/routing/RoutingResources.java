package io.rulecast.job.routing;

import io.rulecast.job.RulecastOptions;
import io.rulecast.job.dims.DimensionSpec;
import io.rulecast.job.dims.JdbcDimensionLookup;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.runtime.DimensionLookup;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What rules reach outside the event: the writable tables (checked before a write leaves the
 * routing function) and the dimension tables of {@code ctx.dim}. Serializable; each routing
 * instance opens its own dimension lookup.
 */
public final class RoutingResources implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TableCatalog catalog;
    private final JdbcConnectionSpec dimensionDatabase;
    private final List<DimensionSpec> dimensions;
    private final Duration outageMaxWait;

    public RoutingResources(
            TableCatalog catalog,
            JdbcConnectionSpec dimensionDatabase,
            List<DimensionSpec> dimensions) {
        this(
                catalog,
                dimensionDatabase,
                dimensions,
                RulecastOptions.DIMS_OUTAGE_MAX_WAIT.defaultValue());
    }

    private RoutingResources(
            TableCatalog catalog,
            JdbcConnectionSpec dimensionDatabase,
            List<DimensionSpec> dimensions,
            Duration outageMaxWait) {
        this.catalog = catalog;
        this.dimensionDatabase = dimensionDatabase;
        this.dimensions = List.copyOf(dimensions);
        this.outageMaxWait = outageMaxWait;
    }

    /**
     * These resources, waiting at most {@code maxWait} for a dependency of {@code ctx} that is away
     * before the job fails over ({@code dims.outage.max-wait}).
     */
    public RoutingResources withOutageMaxWait(Duration maxWait) {
        return new RoutingResources(catalog, dimensionDatabase, dimensions, maxWait);
    }

    /** How long a rule run waits for an unavailable dependency before the job fails over. */
    public Duration outageMaxWait() {
        return outageMaxWait;
    }

    /** Nothing writable and no dimensions. */
    public static RoutingResources none() {
        return new RoutingResources(new TableCatalog(null, Set.of()), null, List.of());
    }

    public TableCatalog catalog() {
        return catalog;
    }

    public List<DimensionSpec> dimensions() {
        return dimensions;
    }

    /**
     * A lookup over the configured dimensions, or {@link DimensionLookup#NONE}; those configured
     * with {@code preload} are read into its cache before this returns.
     */
    public DimensionLookup openDimensions() {
        if (dimensions.isEmpty() || dimensionDatabase == null) {
            return DimensionLookup.NONE;
        }
        // Dimensions configured with preload are read whole now, before the first event.
        return new JdbcDimensionLookup(dimensionDatabase, dimensions).preload();
    }
}

package io.rulecast.job.routing;

import io.rulecast.job.dims.DimensionSpec;
import io.rulecast.job.dims.JdbcDimensionLookup;
import io.rulecast.job.jdbc.JdbcConnectionSpec;
import io.rulecast.job.sink.TableCatalog;
import io.rulecast.runtime.DimensionLookup;
import java.io.Serializable;
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

    public RoutingResources(
            TableCatalog catalog,
            JdbcConnectionSpec dimensionDatabase,
            List<DimensionSpec> dimensions) {
        this.catalog = catalog;
        this.dimensionDatabase = dimensionDatabase;
        this.dimensions = List.copyOf(dimensions);
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

    /** A lookup over the configured dimensions, or {@link DimensionLookup#NONE}. */
    public DimensionLookup openDimensions() {
        if (dimensions.isEmpty() || dimensionDatabase == null) {
            return DimensionLookup.NONE;
        }
        return new JdbcDimensionLookup(dimensionDatabase, dimensions);
    }
}

package io.conduit.client.graph;

import io.vertx.core.json.JsonObject;

/**
 * How {@link GraphQuery#groupCount} tallies the entities a query reaches: each one's count (how often
 * it was reached), or with {@link #field} the total of that field's numbers over its arrivals (of the
 * entity the {@link #of} aka name named on each way, when given); as shares of the whole from 0 to 1
 * with {@link #percent}; largest first unless {@link #ascending}. GrapheekDB's {@code sum()} and
 * {@code percent()} over entities.
 */
public final class GroupCount {

  /** One entity and its count, total or share. */
  public record Tally(Entity entity, Number value) {
  }

  private String field;
  private String of;
  private boolean percent;
  private boolean ascending;

  public GroupCount setField(String field) {
    this.field = field;
    return this;
  }

  public GroupCount setOf(String akaName) {
    this.of = akaName;
    return this;
  }

  public GroupCount setPercent(boolean percent) {
    this.percent = percent;
    return this;
  }

  public GroupCount setAscending(boolean ascending) {
    this.ascending = ascending;
    return this;
  }

  public String getField() {
    return field;
  }

  public String getOf() {
    return of;
  }

  public boolean isPercent() {
    return percent;
  }

  public boolean isAscending() {
    return ascending;
  }

  /** The step's argument, as the store takes it (unset options left out). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (field != null) {
      json.put("field", field);
    }
    if (of != null) {
      json.put("of", of);
    }
    if (percent) {
      json.put("percent", true);
    }
    if (ascending) {
      json.put("asc", true);
    }
    return json;
  }
}

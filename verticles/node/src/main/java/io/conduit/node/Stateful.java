package io.conduit.node;

/**
 * A verticle whose instances own data (the document and graph stores): one instance in the whole
 * cluster serves its address, any other stands by (see {@code io.conduit.store.owner.StoreOwnership}).
 * Scaling such a service above one instance is refused with 409, since a second instance would
 * add no capacity, only a standby.
 */
public interface Stateful {
}

/**
 * The document store's core: one JSON document ({@link io.conduit.store.doc.DocTree}) and the
 * pyzdb-style ops on it, with an inverse for every write. No event bus, no disk: the store's
 * verticle owns the trees, the undo log and persistence, and calls {@code apply} on its event loop.
 *
 * <p>Requests and their reply values ({@code Result.value()}):
 * <pre>
 * get        {path}                 the value (a copy)
 * keys       {path}                 [key, ...] of an object, in insertion order
 * len        {path}                 size of an object, list or string (code points)
 * contains   {path, value}          true/false: key of an object, item of a list, substring of a string
 * scan       {path, offset?, limit?, cursor?}
 *                                   {"items": [...], "next": cursor | null}; object items are {"key", "value"}
 * set        {path, value, before?} null
 * delete     {path}                 null
 * append     {path, value}          null
 * insert     {path, index, value}   null
 * extend     {path, values}         null
 * pop        {path, index?}         the removed item
 * incr       {path, by?}            the number after adding
 * update     {path, value}          null
 * setdefault {path, key, value?}    the value at key afterwards
 * clear      {path}                 null
 * batch      {ops: [write, ...]}    [each op's reply value]
 * </pre>
 */
package io.conduit.store.doc;

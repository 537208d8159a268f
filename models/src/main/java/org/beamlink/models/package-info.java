/** Model data shared by every family: provenance and the library version. */
package org.beamlink.models;

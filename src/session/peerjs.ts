import * as loaded from 'peerjs';

type PeerJs = typeof import('peerjs');

/**
 * PeerJS's classes, whichever of its builds the environment picked. Browsers and bundlers take its
 * ES build. Node, where frameworks render pages on the server and so import us, takes its CommonJS
 * build, whose named exports Node cannot detect: they are on the default export there. Nothing
 * here runs PeerJS; that waits for a session in a browser.
 */
export const peerjs: PeerJs = 'Peer' in loaded && loaded.Peer ? loaded : (loaded as unknown as { default: PeerJs }).default;

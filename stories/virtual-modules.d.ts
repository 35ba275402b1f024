/// <reference path="../server/vite-plugin-client.d.ts" />

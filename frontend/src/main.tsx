import { render } from 'preact';
import { App } from './app';
import { localeStore } from './lib/i18n';
import './styles.css';

document.documentElement.lang = localeStore.get();
render(<App />, document.getElementById('app')!);
